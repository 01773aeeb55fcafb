"""Response drafting: turn a notice, a group's procedure and a consortium proposal into a draft.

``assemble.build_draft`` builds the structured :class:`models.draft.Draft`
(pure: no storage, no clock, no network); ``planning``, ``checklist`` and
``outline`` compute its parts; ``render_markdown``, ``render_docx`` and
``render_ics`` turn one draft into Markdown, DOCX and an iCalendar file.
Labels shared by the renderers live in ``labels``.
"""
