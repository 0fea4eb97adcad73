DROP INDEX "signals_shadow_newest_idx";--> statement-breakpoint
DROP INDEX "signals_symbol_newest_idx";--> statement-breakpoint
DROP INDEX "signals_strategy_newest_idx";--> statement-breakpoint
CREATE INDEX "signals_shadow_time_idx" ON "signals" USING btree ("shadow","timestamp","id");--> statement-breakpoint
CREATE INDEX "signals_symbol_time_idx" ON "signals" USING btree ("symbol","shadow","timestamp","id");--> statement-breakpoint
CREATE INDEX "signals_strategy_time_idx" ON "signals" USING btree ("strategy_id","shadow","timestamp","id");