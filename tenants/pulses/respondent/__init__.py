"""The respondent's side: finding the round of a token (``lookup``), the survey and its
submission (``submit``, ``aggregates``) and the respondent's pages."""
