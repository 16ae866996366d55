"""One course on one server, as a course runs it: JupyterHub, real Unix users, PostgreSQL.

``layout`` says where everything lives and who is who (from ``deploy/course.toml``);
``accounts`` makes the Unix users and groups; ``folders`` the course folder, the exchange and
nbgrader's configuration; ``install`` the environment every user runs; ``database`` the
PostgreSQL gradebook; ``hub`` JupyterHub and its proxy. ``python -m grader.server`` (``make hub``)
does it all, as root, on a Debian machine.
"""
