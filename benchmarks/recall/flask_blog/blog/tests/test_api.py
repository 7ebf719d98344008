from blog import create_app


def test_posts_page():
    app = create_app("blog.config.TestingConfig")
    app.config["DEBUG"] = True
    with app.test_client() as c:
        assert c.get("/api/posts/page").status_code in (200, 500)
