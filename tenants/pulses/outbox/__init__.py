"""The outbox: claiming queued invitations (``claims``), delivering them over one SMTP connection
(``delivery``), reminders, the suppression list, the invitation tokens, and the tick and task that
run it all."""
