-- `store_signals` (0012) with the batch as one array per column instead of one JSON object per signal. Turning JSON
-- objects into rows cost PostgreSQL more than the insert itself; typed arrays are read for a fraction of that, and
-- this work is done under the outbox lock, which every insert waits for. Same lock, same `prev_seq`, same answer; the
-- arrays are in outbox order and of one length. `store_signals` stays for a process of the earlier version still
-- running beside this one.
CREATE FUNCTION "store_signal_columns"(
  "in_id" uuid[], "in_timestamp" timestamptz[], "in_strategy_id" uuid[], "in_strategy_name" text[],
  "in_strategy_version" integer[], "in_strategy_source" "strategy_source"[], "in_symbol" text[],
  "in_action" "signal_action"[], "in_confidence" double precision[], "in_quantity" numeric[],
  "in_price_target" numeric[], "in_stop_loss" numeric[], "in_take_profit" numeric[],
  "in_risk_score" double precision[], "in_market_conditions" text[], "in_volatility" double precision[],
  "in_volume_profile" text[], "in_order_type" text[], "in_time_in_force" text[], "in_max_slippage" double precision[],
  "in_market_data_timestamp" timestamptz[], "in_latency_ms" double precision[], "in_explanation" jsonb[],
  "in_expires_at" timestamptz[], "in_shadow" boolean[])
RETURNS TABLE ("prev_seq" bigint, "stored_id" uuid, "stored_seq" bigint, "stored_shadow" boolean)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  "before" bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(1365732865); -- 0x51676e01: the outbox lock (insertSignals)
  SELECT coalesce(max(s."seq"), 0) INTO "before" FROM "signals" AS s;
  RETURN QUERY
    INSERT INTO "signals" AS s ("id", "timestamp", "strategy_id", "strategy_name", "strategy_version",
      "strategy_source", "symbol", "action", "confidence", "quantity", "price_target", "stop_loss", "take_profit",
      "risk_score", "market_conditions", "volatility", "volume_profile", "order_type", "time_in_force",
      "max_slippage", "market_data_timestamp", "latency_ms", "explanation", "expires_at", "shadow")
    SELECT b."id", b."timestamp", b."strategy_id", b."strategy_name", b."strategy_version", b."strategy_source",
      b."symbol", b."action", b."confidence", b."quantity", b."price_target", b."stop_loss", b."take_profit",
      b."risk_score", b."market_conditions", b."volatility", b."volume_profile", b."order_type", b."time_in_force",
      b."max_slippage", b."market_data_timestamp", b."latency_ms", b."explanation", b."expires_at", b."shadow"
    FROM unnest("in_id", "in_timestamp", "in_strategy_id", "in_strategy_name", "in_strategy_version",
      "in_strategy_source", "in_symbol", "in_action", "in_confidence", "in_quantity", "in_price_target",
      "in_stop_loss", "in_take_profit", "in_risk_score", "in_market_conditions", "in_volatility",
      "in_volume_profile", "in_order_type", "in_time_in_force", "in_max_slippage", "in_market_data_timestamp",
      "in_latency_ms", "in_explanation", "in_expires_at", "in_shadow")
      WITH ORDINALITY AS b("id", "timestamp", "strategy_id", "strategy_name", "strategy_version", "strategy_source",
        "symbol", "action", "confidence", "quantity", "price_target", "stop_loss", "take_profit", "risk_score",
        "market_conditions", "volatility", "volume_profile", "order_type", "time_in_force", "max_slippage",
        "market_data_timestamp", "latency_ms", "explanation", "expires_at", "shadow", "ordinality")
    ORDER BY b."ordinality"
    ON CONFLICT ("id") DO NOTHING
    RETURNING "before", s."id", s."seq", s."shadow";
END
$$;
