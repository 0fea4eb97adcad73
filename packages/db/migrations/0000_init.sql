CREATE TYPE "public"."signal_action" AS ENUM('BUY', 'SELL');--> statement-breakpoint
CREATE TYPE "public"."strategy_source" AS ENUM('NO_CODE', 'AI_ML');--> statement-breakpoint
CREATE TYPE "public"."strategy_status" AS ENUM('ACTIVE', 'INACTIVE');--> statement-breakpoint
CREATE TYPE "public"."strategy_type" AS ENUM('EMA_CROSSOVER', 'RSI_REVERSION');--> statement-breakpoint
CREATE TABLE "signals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"timestamp" timestamp (3) with time zone NOT NULL,
	"strategy_id" uuid NOT NULL,
	"strategy_name" text NOT NULL,
	"strategy_version" integer NOT NULL,
	"strategy_source" "strategy_source" NOT NULL,
	"symbol" text NOT NULL,
	"action" "signal_action" NOT NULL,
	"confidence" double precision NOT NULL,
	"quantity" numeric,
	"price_target" numeric NOT NULL,
	"stop_loss" numeric NOT NULL,
	"take_profit" numeric NOT NULL,
	"risk_score" double precision NOT NULL,
	"market_conditions" text NOT NULL,
	"volatility" double precision NOT NULL,
	"volume_profile" text NOT NULL,
	"order_type" text NOT NULL,
	"time_in_force" text NOT NULL,
	"max_slippage" double precision NOT NULL,
	"market_data_timestamp" timestamp (3) with time zone NOT NULL,
	"latency_ms" double precision,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "strategies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" "strategy_status" DEFAULT 'INACTIVE' NOT NULL,
	"current_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategies_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "strategy_versions" (
	"strategy_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"type" "strategy_type" NOT NULL,
	"source" "strategy_source" DEFAULT 'NO_CODE' NOT NULL,
	"symbols" text[] NOT NULL,
	"interval" text NOT NULL,
	"parameters" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "strategy_versions_strategy_id_version_pk" PRIMARY KEY("strategy_id","version")
);
--> statement-breakpoint
ALTER TABLE "signals" ADD CONSTRAINT "signals_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "strategy_versions" ADD CONSTRAINT "strategy_versions_strategy_id_strategies_id_fk" FOREIGN KEY ("strategy_id") REFERENCES "public"."strategies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signals_newest_idx" ON "signals" USING btree ("timestamp" desc,"id" desc);--> statement-breakpoint
CREATE INDEX "signals_symbol_idx" ON "signals" USING btree ("symbol","timestamp" desc);--> statement-breakpoint
CREATE INDEX "signals_strategy_idx" ON "signals" USING btree ("strategy_id","timestamp" desc);--> statement-breakpoint
CREATE INDEX "strategies_status_idx" ON "strategies" USING btree ("status");