"""A Kryten service on kryten-py 0.17.5, run by tests/tests/kryten.rs
against a daz bot standing in for kryten-robot.

It pings the robot, waits for the chat line "hello kryten-py", answers
with a chat line and asks for a user, printing one JSON line per step.
"""

import asyncio
import json
import os

from kryten import KrytenClient


async def main() -> None:
    channel = os.environ["KRYTEN_CHANNEL"]
    client = KrytenClient(
        {
            "nats": {"servers": [os.environ["KRYTEN_NATS_URL"]]},
            "channels": [{"domain": "cytu.be", "channel": channel}],
        }
    )
    heard = asyncio.get_running_loop().create_future()

    @client.on("chatmsg")
    async def on_chat(event):
        if event.message == "hello kryten-py" and not heard.done():
            heard.set_result(
                {
                    "username": event.username,
                    "message": event.message,
                    "rank": event.rank,
                    "channel": event.channel,
                    "domain": event.domain,
                }
            )

    await client.connect()
    # A round trip after subscribing: once the robot's answer is back, the
    # server has the subscriptions too.
    pong = await client.ping()
    print(json.dumps({"ping": pong}), flush=True)
    chat = await asyncio.wait_for(heard, 20)
    print(json.dumps({"chat": chat}), flush=True)
    await client.send_chat(channel, "hello back from kryten-py")
    user = await client.get_user(channel, "bob")
    print(json.dumps({"user": user}), flush=True)
    await client.disconnect()


asyncio.run(main())
