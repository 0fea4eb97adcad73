CREATE TABLE "strategy_run_ends" (
	"strategy_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"mode" "strategy_mode" NOT NULL,
	"activated_at" timestamp (3) with time zone NOT NULL,
	"ended_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "strategy_run_ends_strategy_id_version_ended_at_pk" PRIMARY KEY("strategy_id","version","ended_at")
);
--> statement-breakpoint
ALTER TABLE "strategy_run_ends" ADD CONSTRAINT "strategy_run_ends_strategy_id_version_strategy_versions_strategy_id_version_fk" FOREIGN KEY ("strategy_id","version") REFERENCES "public"."strategy_versions"("strategy_id","version") ON DELETE cascade ON UPDATE no action;