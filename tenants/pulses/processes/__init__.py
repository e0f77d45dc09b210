"""Processes and their interactions with customers: logging an interaction invites the customer
to the customer program's monthly round (``service``), and the process pages and API."""
