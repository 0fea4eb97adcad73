CREATE TABLE "model_versions" (
	"model_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"onnx" "bytea" NOT NULL,
	"checksum" text NOT NULL,
	"size_bytes" integer NOT NULL,
	"features" jsonb NOT NULL,
	"outputs" text[] NOT NULL,
	"description" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "model_versions_model_id_version_pk" PRIMARY KEY("model_id","version")
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"owner" text NOT NULL,
	"visibility" "strategy_visibility" DEFAULT 'PRIVATE' NOT NULL,
	"current_version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "model_versions" ADD CONSTRAINT "model_versions_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "models_created_idx" ON "models" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "models_owner_idx" ON "models" USING btree ("owner");