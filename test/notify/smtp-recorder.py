#!/usr/bin/python3
"""SMTP server for the notify tests: Python 3.11's stdlib smtpd (a real SMTP server)
with every byte the client sends recorded, one file per connection (<dir>/conn-N.raw),
plus the parsed envelope (<dir>/conn-N.json). Prints "READY <port>" when listening.
Usage: smtp-recorder.py DIR [HOST [PORT]]  (PORT 0 = pick a free one)."""
import json
import os
import sys
import warnings

warnings.filterwarnings('ignore', category=DeprecationWarning)
import asyncore  # noqa: E402
import smtpd  # noqa: E402

OUT = sys.argv[1]
HOST = sys.argv[2] if len(sys.argv) > 2 else '127.0.0.1'
PORT = int(sys.argv[3]) if len(sys.argv) > 3 else 0
counter = [0]


class RecordingChannel(smtpd.SMTPChannel):
    def __init__(self, *args, **kwargs):
        counter[0] += 1
        self.conn_no = counter[0]
        self.raw = open(os.path.join(OUT, 'conn-%d.raw' % self.conn_no), 'wb')
        super().__init__(*args, **kwargs)

    def recv(self, buffer_size):
        data = super().recv(buffer_size)
        if not self.raw.closed:
            self.raw.write(data)
            self.raw.flush()
        return data

    def handle_close(self):
        self.raw.close()
        open(os.path.join(OUT, 'conn-%d.closed' % self.conn_no), 'w').close()
        super().handle_close()


class RecordingServer(smtpd.SMTPServer):
    channel_class = RecordingChannel

    def process_message(self, peer, mailfrom, rcpttos, data, **kwargs):
        # Written aside then renamed: readers poll the directory and must never see half a file.
        final = os.path.join(OUT, 'conn-%d.json' % counter[0])
        with open(final + '.part', 'w') as f:
            json.dump({'mailfrom': mailfrom, 'rcpttos': rcpttos,
                       'data': data.decode('latin-1')}, f)
        os.rename(final + '.part', final)
        return None


server = RecordingServer((HOST, PORT), None, decode_data=False)
print('READY %d' % server.socket.getsockname()[1], flush=True)
asyncore.loop()
