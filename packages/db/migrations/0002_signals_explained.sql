DROP INDEX "signals_newest_idx";--> statement-breakpoint
DROP INDEX "signals_strategy_idx";--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "explanation" jsonb DEFAULT '{"rule":"","indicators":[]}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "expires_at" timestamp (3) with time zone;--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "shadow" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "signals_shadow_newest_idx" ON "signals" USING btree ("shadow","timestamp" desc,"id" desc);--> statement-breakpoint
CREATE INDEX "signals_strategy_newest_idx" ON "signals" USING btree ("strategy_id","shadow","timestamp" desc,"id" desc);--> statement-breakpoint
-- Data fix: a signal stored before expiries existed expires at its own time.
UPDATE "signals" SET "expires_at" = "timestamp" WHERE "expires_at" IS NULL;
