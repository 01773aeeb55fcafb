"""Members are told: e-mail digests after the nightly ingestion, and calendar/Atom feeds.

One job per module: ``preferences`` (how and when a recipient is told), ``links``
(URLs into the web pages, signed unsubscribe tokens, feed secrets), ``selection``
(the notices new for a member, scored in one batch), ``changes`` (what changed
since a member was last told), ``steps`` (the group procedure's steps that fall to
them), ``gather`` and ``group_digest`` (a member's and a group's digest content),
``compose`` (text and HTML in French or English), ``message`` (the e-mail),
``outbox`` (exactly-once bookkeeping), ``delivery`` (SMTP or ``.eml`` files),
``run`` (``cotender digest send``) and ``feeds`` (ICS and Atom).
"""
