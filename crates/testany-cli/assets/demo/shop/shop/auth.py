"""Password login with a lockout after repeated failures."""

MAX_ATTEMPTS = 3


class Accounts:
    def __init__(self):
        self.passwords = {}
        self.failures = {}

    def register(self, user, password):
        self.passwords[user] = password
        self.failures[user] = 0

    def is_locked(self, user):
        return self.failures.get(user, 0) > MAX_ATTEMPTS

    def login(self, user, password):
        if self.is_locked(user):
            return False
        if self.passwords.get(user) == password:
            self.failures[user] = 0
            return True
        self.failures[user] = self.failures.get(user, 0) + 1
        return False
