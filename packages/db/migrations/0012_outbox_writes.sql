-- Stores a batch of signals (a JSON array of rows keyed by column name, in outbox order) in one statement, so one
-- round trip: the outbox lock, then the insert, committed together by the caller's statement. The lock serializes
-- inserts, so `seq` order is commit order. Each statement of a volatile function takes a fresh snapshot, so
-- `prev_seq`, read once the lock is held, is the highest sequence of every batch committed before this one: every
-- signal with a sequence above it and below this batch's was never stored. Returns one row per new signal (ids
-- already stored are skipped), each with that `prev_seq`; nothing when every signal was stored already.
CREATE FUNCTION "store_signals"("batch" json)
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
    FROM json_populate_recordset(null::"signals", "batch") WITH ORDINALITY AS b
    ORDER BY b."ordinality"
    ON CONFLICT ("id") DO NOTHING
    RETURNING "before", s."id", s."seq", s."shadow";
END
$$;
--> statement-breakpoint
-- Stores outcomes (a JSON array of `signal_outcomes` rows keyed by column name, in order) in one statement, under
-- the outcome outbox lock, so that `signal_outcomes.seq` order is commit order: an OPEN one is inserted unless its
-- signal has a row already; a closed one inserts or closes the row (only an OPEN row: a closed outcome never
-- changes) and takes its place in the outcome outbox. Returns the rows it wrote with their status.
CREATE FUNCTION "save_outcomes"("batch" json)
RETURNS TABLE ("saved_signal_id" uuid, "saved_status" text)
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(1365732866); -- 0x51676e02: the outcome outbox lock (saveOutcomes)
  RETURN QUERY
    INSERT INTO "signal_outcomes" AS o ("signal_id", "strategy_id", "strategy_version", "symbol", "interval",
      "action", "status", "opened_at", "entry_price", "closed_at", "exit_price", "return_pct", "seq")
    SELECT b."signal_id", b."strategy_id", b."strategy_version", b."symbol", b."interval", b."action", b."status",
      b."opened_at", b."entry_price", b."closed_at", b."exit_price", b."return_pct",
      CASE WHEN b."status" <> 'OPEN' THEN nextval('signal_outcome_seq') END
    FROM (
      SELECT * FROM json_populate_recordset(null::"signal_outcomes", "batch") WITH ORDINALITY AS r
      ORDER BY r."ordinality"
    ) AS b
    ON CONFLICT ("signal_id") DO UPDATE SET
      "status" = excluded."status", "closed_at" = excluded."closed_at", "exit_price" = excluded."exit_price",
      "return_pct" = excluded."return_pct", "seq" = excluded."seq", "updated_at" = now()
    WHERE o."status" = 'OPEN' AND excluded."status" <> 'OPEN'
    RETURNING o."signal_id", o."status"::text;
END
$$;
