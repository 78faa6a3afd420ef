-- The PostgreSQL twin of ../005_reports.sql.

-- Reports select the cases received in a period: by receipt time, without scanning every case.
CREATE INDEX tickets_by_created ON tickets (created_at);
