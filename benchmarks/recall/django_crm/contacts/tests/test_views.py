from django.test import TestCase, override_settings


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
class ContactTests(TestCase):
    def test_list_requires_login(self):
        r = self.client.get("/contacts/")
        self.assertEqual(r.status_code, 302)
