CREATE TABLE "delivery_cursors" (
	"channel" text PRIMARY KEY NOT NULL,
	"last_seq" bigint NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "signals" ADD COLUMN "seq" bigserial NOT NULL;--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_seq_unique" UNIQUE("seq");--> statement-breakpoint
-- Signals stored before the outbox were delivered already: the built-in channels start after them.
INSERT INTO "delivery_cursors" ("channel", "last_seq") SELECT "channel", coalesce((SELECT max("seq") FROM "signals"), 0) FROM (VALUES ('pubsub'), ('kafka')) AS v("channel") ON CONFLICT DO NOTHING;
