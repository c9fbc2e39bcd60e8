"""Running the product: the process runner (`python -m servers`) and the demo website.

Nothing here is loaded by Rasa or the action server; this room only starts them.
"""
