"""City sync: outbox worker, protocol and reference city server."""
