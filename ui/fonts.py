"""Chinese text needs a Chinese font: register the bundled WenQuanYi Micro Hei when the system has none.

Chinese Windows always has one; a bare Linux box or CI has none, and Qt would then draw boxes. The app
calls `ensure_chinese_font()` once at start-up; the tests do the same in a fixture.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

from core.paths import resource_path

BUNDLED_FONT = ("fonts", "wqy-microhei.ttc")


def ensure_chinese_font() -> str:
    """The family used for Chinese text, registering the bundled font if Qt finds no Simplified Chinese one.

    When the bundled font had to be registered it also becomes the application font, so every widget
    (including ones made before a fallback would kick in) draws Chinese.
    """
    families = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
    if families:
        return families[0]
    font_id = QFontDatabase.addApplicationFont(str(resource_path(*BUNDLED_FONT)))
    added = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not added:
        return QGuiApplication.font().family()
    font = QFont(QGuiApplication.font())
    font.setFamilies([added[0]])
    QGuiApplication.setFont(font)
    return added[0]
