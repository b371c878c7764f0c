"""Test and learn: improvement projects with PDSA cycles read against SPC; learning responses."""
