"""The call engine: one tool call from validated arguments to the result a model reads.

``executor`` runs a call (hooks, paging, errors); ``http`` and ``retry`` reach Zoom (clients,
proxies, rate limits, backoff); ``auth`` gets and renews tokens; ``shaping``, ``listing`` and
``text_format`` turn Zoom's JSON into compact text; ``error_shaping`` words failures; ``redact``
keeps secrets out of results and logs; ``results`` is the result type; ``write_dedupe`` keeps a
repeated write from running twice; ``progress`` reports long calls to the client.
"""
