-- The store's secondary indices, built after the rows are in.
CREATE INDEX customers_rep ON customers(rep_id);
CREATE INDEX invoices_customer ON invoices(customer_id);
CREATE INDEX invoices_due ON invoices(due_on);
CREATE INDEX payments_invoice ON payments(invoice_id);
CREATE INDEX payments_customer ON payments(customer_id, received_on);
CREATE INDEX payments_received ON payments(received_on);
CREATE INDEX adjustments_invoice ON adjustments(invoice_id);
CREATE INDEX activities_occurred ON activities(occurred_at);
CREATE INDEX activities_customer ON activities(customer_id, occurred_at);
CREATE INDEX promises_made ON promises(made_on);
CREATE INDEX cases_opened ON cases(opened_at);
CREATE INDEX cases_customer ON cases(customer_id, opened_at);
CREATE INDEX tasks_due ON tasks(due_on);
