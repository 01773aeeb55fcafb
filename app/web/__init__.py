"""The web app: server-rendered pages (Jinja2, htmx), French first, English on request.

Pages call the same domain functions as the API routes; every page reads and every
form works without JavaScript, htmx only swaps parts of a page in place.
"""
