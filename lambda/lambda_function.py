"""AWS Lambda entry point. Configure the function's handler as
``lambda_function.lambda_handler``; ``make lambda`` builds the zip."""

from skill.hosts.lambda_host import lambda_handler

__all__ = ["lambda_handler"]
