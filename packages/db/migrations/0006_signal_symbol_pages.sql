DROP INDEX "signals_symbol_idx";--> statement-breakpoint
CREATE INDEX "signals_symbol_newest_idx" ON "signals" USING btree ("symbol","shadow","timestamp" desc,"id" desc);