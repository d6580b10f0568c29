"""screening is managed through its pages and services; nothing is registered in the admin."""
