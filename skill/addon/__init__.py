"""The second front door: the skill's answers for an assistant that words its own
replies (Alexa+ as an add-on, or any other MCP host).

``answers`` builds each answer from the files and code the skill speaks from;
``server`` offers them as the tools and the resource of an MCP server (the official
SDK, Streamable HTTP), which ``skill.hosts.asgi`` serves at ``/mcp`` beside the Alexa
door at ``/``. None of it is in the Lambda zip, and nothing the classic skill runs
imports it.
"""
