"""Slack shortcodes -> Unicode for the emoji responders actually use; others stay as `:name:`."""

from __future__ import annotations

__all__ = ["EMOJI"]

EMOJI: dict[str, str] = {
    "+1": "👍", "thumbsup": "👍", "-1": "👎", "thumbsdown": "👎",
    "white_check_mark": "✅", "heavy_check_mark": "✔️", "ballot_box_with_check": "☑️", "x": "❌",
    "warning": "⚠️", "rotating_light": "🚨", "fire": "🔥", "boom": "💥", "bomb": "💣",
    "eyes": "👀", "pushpin": "📌", "round_pushpin": "📍", "memo": "📝", "pencil": "📝",
    "rocket": "🚀", "tada": "🎉", "pray": "🙏", "raised_hands": "🙌", "clap": "👏", "ok_hand": "👌",
    "wave": "👋", "muscle": "💪", "thinking_face": "🤔", "sweat_smile": "😅", "slightly_smiling_face": "🙂",
    "smile": "😄", "grinning": "😀", "joy": "😂", "confused": "😕", "disappointed": "😞", "scream": "😱",
    "heart": "❤️", "100": "💯", "sos": "🆘", "no_entry": "⛔", "no_entry_sign": "🚫", "stop_sign": "🛑",
    "red_circle": "🔴", "large_green_circle": "🟢", "green_circle": "🟢", "large_yellow_circle": "🟡",
    "yellow_circle": "🟡", "large_blue_circle": "🔵", "white_circle": "⚪", "black_circle": "⚫",
    "chart_with_upwards_trend": "📈", "chart_with_downwards_trend": "📉", "bar_chart": "📊",
    "hourglass": "⌛", "hourglass_flowing_sand": "⏳", "stopwatch": "⏱️", "alarm_clock": "⏰",
    "bell": "🔔", "no_bell": "🔕", "mag": "🔍", "mag_right": "🔎", "bug": "🐛", "wrench": "🔧",
    "hammer_and_wrench": "🛠️", "gear": "⚙️", "lock": "🔒", "unlock": "🔓", "key": "🔑",
    "construction": "🚧", "arrow_right": "➡️", "arrow_up": "⬆️", "arrow_down": "⬇️",
    "point_up": "☝️", "point_right": "👉", "heavy_plus_sign": "➕", "question": "❓", "exclamation": "❗",
    "information_source": "ℹ️", "bulb": "💡", "link": "🔗", "calendar": "📆", "phone": "📞",
    "telephone_receiver": "📞", "pager": "📟", "ambulance": "🚑", "firefighter": "🧑‍🚒",
    "sunglasses": "😎", "coffee": "☕", "zzz": "💤", "siren": "🚨",
    "green_heart": "💚", "broken_heart": "💔", "dart": "🎯", "checkered_flag": "🏁", "ship": "🚢",
    "package": "📦", "money_with_wings": "💸", "credit_card": "💳", "moneybag": "💰",
}
