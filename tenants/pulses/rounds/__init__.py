"""Rounds: launching an employee round (``launch``), a customer program's monthly rounds
(``customers``), the question freeze (``questions``), the read side (``service``, ``counts``),
and the round pages and API."""
