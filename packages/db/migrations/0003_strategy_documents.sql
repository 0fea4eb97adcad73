CREATE TYPE "public"."strategy_mode" AS ENUM('LIVE', 'SHADOW');--> statement-breakpoint
ALTER TYPE "public"."strategy_status" ADD VALUE 'ARCHIVED';--> statement-breakpoint
CREATE TABLE "strategy_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"strategy_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"type" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategy_runs" (
	"strategy_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"mode" "strategy_mode" NOT NULL,
	"activated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "strategy_runs_strategy_id_version_pk" PRIMARY KEY("strategy_id","version")
);
--> statement-breakpoint
CREATE TABLE "strategy_version_stats" (
	"strategy_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"evaluations" bigint DEFAULT 0 NOT NULL,
	"eval_p50_ms" double precision,
	"eval_p99_ms" double precision,
	"errors" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"state" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategy_version_stats_strategy_id_version_pk" PRIMARY KEY("strategy_id","version")
);
--> statement-breakpoint
ALTER TABLE "strategy_versions" ALTER COLUMN "type" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "strategy_versions" ALTER COLUMN "parameters" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "strategy_versions" ADD COLUMN "document" jsonb;--> statement-breakpoint
ALTER TABLE "strategy_versions" ADD COLUMN "change_note" text;--> statement-breakpoint
ALTER TABLE "strategy_changes" ADD CONSTRAINT "strategy_changes_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_runs" ADD CONSTRAINT "strategy_runs_strategy_id_version_strategy_versions_strategy_id_version_fk" FOREIGN KEY ("strategy_id","version") REFERENCES "public"."strategy_versions"("strategy_id","version") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_version_stats" ADD CONSTRAINT "strategy_version_stats_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "strategy_changes_strategy_idx" ON "strategy_changes" USING btree ("strategy_id","seq");--> statement-breakpoint
CREATE INDEX "strategies_created_idx" ON "strategies" USING btree ("created_at","id");--> statement-breakpoint
-- Strategies active before runs existed keep running: their current version, live, since their last change.
INSERT INTO "strategy_runs" ("strategy_id", "version", "mode", "activated_at")
SELECT "id", "current_version", 'LIVE', "updated_at" FROM "strategies" WHERE "status" = 'ACTIVE';
