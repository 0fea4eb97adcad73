-- The outcome service stores an outcome once, when it closes: a live signal without a row is OPEN. It finds what it
-- follows after a restart between two cursors of `delivery_cursors`: `outcomes` (every signal through it was handed
-- to the service) and `outcomes-closed` (every signal through it that the service follows has its closed row).
--
-- The index of OPEN rows by status served the old restart, which read the OPEN rows; nothing reads by status now.
DROP INDEX "signal_outcomes_open_idx";--> statement-breakpoint
-- Where the earlier version left off: every signal it was handed had a row, OPEN or closed, so every signal before
-- the oldest OPEN row is closed (or was never followed); with no OPEN row, every signal the service was handed is.
-- Without an `outcomes` cursor the service has seen nothing, and both cursors start at its first start.
INSERT INTO "delivery_cursors" ("channel", "last_seq", "updated_at")
SELECT 'outcomes-closed',
  coalesce(
    (SELECT min(s."seq") - 1 FROM "signal_outcomes" AS o JOIN "signals" AS s ON s."id" = o."signal_id"
     WHERE o."status" = 'OPEN'),
    c."last_seq"),
  now()
FROM "delivery_cursors" AS c
WHERE c."channel" = 'outcomes'
ON CONFLICT ("channel") DO NOTHING;
