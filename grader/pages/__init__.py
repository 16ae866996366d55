"""Pages people look at: a feedback page per student and notebook, and the class report.

Every page is one self-contained HTML file (inline CSS, pictures as PNG data URIs), so it
opens from disk or an LMS attachment with no server and no external assets.
"""
