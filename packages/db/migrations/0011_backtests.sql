CREATE TYPE "public"."backtest_status" AS ENUM('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');--> statement-breakpoint
CREATE TABLE "backtest_signals" (
	"backtest_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"timestamp" timestamp (3) with time zone NOT NULL,
	"symbol" text NOT NULL,
	"signal" jsonb NOT NULL,
	"outcome" jsonb,
	CONSTRAINT "backtest_signals_backtest_id_id_pk" PRIMARY KEY("backtest_id","id")
);
--> statement-breakpoint
CREATE TABLE "backtests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner" text NOT NULL,
	"strategy_id" uuid NOT NULL,
	"strategy_version" integer NOT NULL,
	"strategy_name" text NOT NULL,
	"strategy_source" "strategy_source" NOT NULL,
	"interval" text NOT NULL,
	"document" jsonb NOT NULL,
	"symbols" text[] NOT NULL,
	"from" timestamp (3) with time zone NOT NULL,
	"to" timestamp (3) with time zone NOT NULL,
	"fee_bps" double precision NOT NULL,
	"slippage_bps" double precision NOT NULL,
	"status" "backtest_status" DEFAULT 'QUEUED' NOT NULL,
	"candles_done" integer DEFAULT 0 NOT NULL,
	"candles_total" integer,
	"signal_count" integer DEFAULT 0 NOT NULL,
	"error" text,
	"summary" jsonb,
	"lease_until" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"finished_at" timestamp (3) with time zone
);
--> statement-breakpoint
ALTER TABLE "backtest_signals" ADD CONSTRAINT "backtest_signals_backtest_id_backtests_id_fk" FOREIGN KEY ("backtest_id") REFERENCES "public"."backtests"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "backtests" ADD CONSTRAINT "backtests_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "backtest_signals_time_idx" ON "backtest_signals" USING btree ("backtest_id","timestamp","id");--> statement-breakpoint
CREATE INDEX "backtests_owner_idx" ON "backtests" USING btree ("owner","created_at");--> statement-breakpoint
CREATE INDEX "backtests_status_idx" ON "backtests" USING btree ("status","created_at");