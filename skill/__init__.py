"""Secondary Breast Cancer Help: an Alexa skill answering questions from Cancer
Research UK's information on treatment for secondary breast cancer.

Where things live:
  knowledge/     the page's facts as topics (topics.toml), loaded and checked once
  dialogue/      every other sentence the skill says, by key (en-GB.toml)
  speech.py      SSML building and escaping, and the SSML rules
  clock.py       the time now (injectable)
  bank_holidays.py  the nurse line's calendar: England and Wales bank holidays
  opening_hours.py  is the nurse line open now, or on a day, in UK time
  conversation/  request handlers by area, interceptors, the error handler
  builder.py     the one skill every host serves
  hosts/         AWS Lambda and the web service (with request verification)
  nlu.py, envelopes.py, check.py, cli.py   developer tools: ask, chat, check, serve
"""
