"""Why the path refused: each refusal carries its HTTP status and the fields it is about."""


class TransitionError(Exception):
    status = 400

    def __init__(self, message: str, errors: dict | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class InvalidPayload(TransitionError):
    status = 400


class TransitionForbidden(TransitionError):
    status = 403


class UnknownTransition(TransitionError):
    status = 404


class TransitionConflict(TransitionError):
    status = 409
