CREATE TABLE "candles" (
	"symbol" text NOT NULL,
	"interval" text NOT NULL,
	"open_time" timestamp (3) with time zone NOT NULL,
	"close_time" timestamp (3) with time zone NOT NULL,
	"open" numeric NOT NULL,
	"high" numeric NOT NULL,
	"low" numeric NOT NULL,
	"close" numeric NOT NULL,
	"volume" numeric NOT NULL,
	"trades" integer NOT NULL,
	"source" text NOT NULL,
	"complete" boolean NOT NULL,
	"last_trade_time" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "candles_symbol_interval_open_time_pk" PRIMARY KEY("symbol","interval","open_time")
);
--> statement-breakpoint
CREATE TABLE "engine_progress" (
	"consumer" text NOT NULL,
	"symbol" text NOT NULL,
	"interval" text NOT NULL,
	"last_open_time" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "engine_progress_consumer_symbol_interval_pk" PRIMARY KEY("consumer","symbol","interval")
);
--> statement-breakpoint
CREATE TABLE "feed_cursors" (
	"provider" text NOT NULL,
	"symbol" text NOT NULL,
	"last_trade_id" bigint NOT NULL,
	"last_trade_time" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feed_cursors_provider_symbol_pk" PRIMARY KEY("provider","symbol")
);
--> statement-breakpoint
CREATE TABLE "feed_status" (
	"provider" text PRIMARY KEY NOT NULL,
	"role" text NOT NULL,
	"active" boolean NOT NULL,
	"state" text NOT NULL,
	"detail" text,
	"last_message_at" timestamp (3) with time zone,
	"lag_ms" double precision,
	"reconnects" integer DEFAULT 0 NOT NULL,
	"gaps_filled" integer DEFAULT 0 NOT NULL,
	"trades_backfilled" integer DEFAULT 0 NOT NULL,
	"trades_quarantined" integer DEFAULT 0 NOT NULL,
	"quarantine" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instruments" (
	"symbol" text PRIMARY KEY NOT NULL,
	"base_asset" text NOT NULL,
	"quote_asset" text NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "quarantined_trades" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"symbol" text NOT NULL,
	"trade_id" text NOT NULL,
	"price" text NOT NULL,
	"quantity" text NOT NULL,
	"trade_time" timestamp (3) with time zone NOT NULL,
	"reason" text NOT NULL,
	"detail" text NOT NULL,
	"quarantined_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "quarantined_trades_newest_idx" ON "quarantined_trades" USING btree ("quarantined_at" desc);--> statement-breakpoint
CREATE INDEX "quarantined_trades_provider_idx" ON "quarantined_trades" USING btree ("provider","id" desc);