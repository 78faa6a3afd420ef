-- Number 019 belongs to the procedure look-ups of issue #22 (its part A), built beside the
-- questions' 020. Migrations must be numbered without gaps, so this branch holds the place with
-- an empty step; the merge replaces this file with part A's 019.
SELECT 1;
