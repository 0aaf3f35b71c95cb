from shop.auth import Accounts


def make_accounts():
    accounts = Accounts()
    accounts.register("ada@example.com", "correct horse")
    return accounts


# testany: D4A8B6C2
def test_login_with_valid_password():
    accounts = make_accounts()
    assert accounts.login("ada@example.com", "correct horse")


# testany: E5B1C7D3
def test_login_lockout_after_three_attempts():
    accounts = make_accounts()
    for _ in range(3):
        accounts.login("ada@example.com", "wrong")
    assert accounts.is_locked("ada@example.com"), "account should be locked after 3 failures"
