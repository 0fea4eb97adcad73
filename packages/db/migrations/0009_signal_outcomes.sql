CREATE TYPE "public"."outcome_status" AS ENUM('OPEN', 'TAKE_PROFIT', 'STOP_LOSS', 'EXPIRED');--> statement-breakpoint
CREATE SEQUENCE "public"."signal_outcome_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "signal_outcomes" (
	"signal_id" uuid PRIMARY KEY NOT NULL,
	"strategy_id" uuid NOT NULL,
	"strategy_version" integer NOT NULL,
	"symbol" text NOT NULL,
	"interval" text NOT NULL,
	"action" "signal_action" NOT NULL,
	"status" "outcome_status" NOT NULL,
	"opened_at" timestamp (3) with time zone NOT NULL,
	"entry_price" numeric NOT NULL,
	"closed_at" timestamp (3) with time zone,
	"exit_price" numeric,
	"return_pct" double precision,
	"seq" bigint,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "signal_outcomes_seq_unique" UNIQUE("seq")
);
--> statement-breakpoint
ALTER TABLE "signal_outcomes" ADD CONSTRAINT "signal_outcomes_signal_id_signals_id_fk" FOREIGN KEY ("signal_id") REFERENCES "public"."signals"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "signal_outcomes_open_idx" ON "signal_outcomes" USING btree ("status","symbol","interval");