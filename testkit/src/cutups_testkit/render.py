"""Compose every frame of the recording and stream it into ffmpeg (libx264 + AAC).

Frames are composed in YUV 4:2:0 (see :mod:`cutups_testkit.yuv`) and piped raw; frame ``n``
of the file is broadcast frame ``start_frame + n`` at exactly ``n / fps`` seconds.
"""

from __future__ import annotations

import logging
import shlex
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cutups.errors import FFmpegError
from cutups.media.ffmpeg import file_arg, last_line
from cutups_testkit.ads import AdRenderer
from cutups_testkit.broadcast import Plan, Shot
from cutups_testkit.bugstate import BugClock
from cutups_testkit.cutaways import Cutaways
from cutups_testkit.field import FIELD_W, FieldArt
from cutups_testkit.game import SimGame
from cutups_testkit.looks import Look
from cutups_testkit.motion import Pose, SceneMotion
from cutups_testkit.scorebug import BugState, Scorebug
from cutups_testkit.spec import BroadcastSpec
from cutups_testkit.yuv import Frame, Planes, rgb_to_planes, rgb_to_yuv

__all__ = ["encode_argv", "render_video"]

log = logging.getLogger(__name__)


def encode_argv(spec: BroadcastSpec, wav: Path, out: Path) -> list[str]:
    """The ffmpeg command that encodes raw I420 frames from stdin plus ``wav`` into ``out``."""
    lk = spec.look
    return [
        "ffmpeg",
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "error",
        "-y",
        "-f",
        "rawvideo",
        "-pix_fmt",
        "yuv420p",
        "-s",
        f"{lk.width}x{lk.height}",
        "-r",
        lk.fps_text,
        "-i",
        "pipe:",
        "-i",
        file_arg(wav),
        "-map",
        "0:v:0",
        "-map",
        "1:a:0",
        "-c:v",
        "libx264",
        "-preset",
        lk.preset,
        "-crf",
        str(lk.crf),
        "-g",
        str(lk.gop),
        "-keyint_min",
        str(lk.gop),
        "-bf",
        str(lk.bframes),
        # A fixed B-frame pattern: x264's adaptive choice needs a lookahead the fast presets
        # turn off, and then picks none at all.
        "-x264-params",
        "b-adapt=0",
        "-sc_threshold",
        "0",
        "-pix_fmt",
        "yuv420p",
        "-colorspace",
        "smpte170m",
        "-color_primaries",
        "smpte170m",
        "-color_trc",
        "smpte170m",
        "-color_range",
        "tv",
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-movflags",
        "+faststart",
        file_arg(out),
    ]


def _widen_pipe(fd: int) -> None:
    """Ask Linux for a 1 MiB pipe buffer: fewer context switches per 1-3 MB frame."""
    try:
        import fcntl

        fcntl.fcntl(fd, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass  # not Linux, or not allowed: the default buffer works, just slower


def _replay_tag(look: Look) -> Planes:
    """The "REPLAY" tag shown in a corner during replays (look's accent colour)."""
    h = (look.height // 16) & ~1
    font = ImageFont.truetype(look.font, int(h * 0.7))
    w = (int(font.getlength("REPLAY")) + h) & ~1
    img = Image.new("RGB", (w, h), look.bug_accent)
    ImageDraw.Draw(img).text((w / 2, h / 2), "REPLAY", font=font, fill=(250, 250, 250), anchor="mm")
    return rgb_to_planes(np.asarray(img, np.uint8))


class _Composer:
    """Draws one broadcast frame at a time into a reusable :class:`Frame`."""

    def __init__(self, game: SimGame, plan: Plan, spec: BroadcastSpec) -> None:
        lk = spec.look
        self.game, self.plan, self.spec, self.look = game, plan, spec, lk
        self.fps = float(plan.fps)
        seed = spec.game.seed
        home, away = spec.game.home, spec.game.away
        self.frame = Frame(lk.width, lk.height)
        self.wide = FieldArt(lk, home, away, 1.0, seed)
        self.zoom: FieldArt | None = None
        self.cut = Cutaways(lk, home, away, seed)
        self.ads = AdRenderer(lk)
        self.bug = Scorebug(lk, home, away)
        self.clock = BugClock(game, plan, lk.tenths)
        self.rows = {r.seq: r for r in game.rows}
        self._motions: dict[int, SceneMotion] = {}
        self._frozen: dict[int, BugState] = {}
        rng = np.random.default_rng([seed, 0x6A1])
        self.grain = (
            [rng.integers(0, lk.grain * 2 + 1, (lk.height, lk.width), np.uint8) for _ in range(6)]
            if lk.grain
            else []
        )
        self.tag = _replay_tag(lk)

    def motion(self, i: int) -> SceneMotion:
        m = self._motions.get(i)
        if m is None:
            if len(self._motions) > 8:
                self._motions.clear()
            sc = self.plan.scenes[i]
            m = SceneMotion(sc, self.rows[sc.seq], self.plan.fps, self.spec.game.seed)
            self._motions[i] = m
        return m

    def draw_field(self, art: FieldArt, pose: Pose, n: int, tight: bool) -> None:
        f = self.frame
        x0 = art.view_x(pose.cam_x if not tight else pose.ball_x)
        y0 = art.view_y(pose.cam_y) if tight else 0
        f.copy_from(art.pano, x0, y0)
        top, bottom = int(art.py(0.0)) - y0, int(art.py(FIELD_W)) - y0
        lw = max(2, int(art.ppy * 0.1))
        for colour, x in zip(self.line_colours, pose.lines, strict=False):
            f.fill(int(art.px(x)) - x0, top, lw, bottom - top, colour)
        rx = art.pxs(pose.refs_x) - x0 - art.sprite_w / 2
        ry = art.pys(pose.refs_y) - y0 - art.sprite_h
        for i in range(len(rx)):
            art.ref.draw(f, int(rx[i]), int(ry[i]))
        sx = art.pxs(pose.xs) - x0 - art.sprite_w / 2
        sy = art.pys(pose.ys) - y0 - art.sprite_h
        order = np.argsort(sy)
        home_off = self.rows_offense_home
        for i in order:
            team_home = bool(home_off == (i < 11))
            pose_i = (n // 4 + i) % 2 if pose.moving[i] else 0
            art.sprites[(team_home, pose_i)].draw(f, int(sx[i]), int(sy[i]))
        bx = float(art.px(pose.ball_x)) - x0
        by = float(art.py(pose.ball_y)) - y0 - pose.ball_h * art.vy * 0.9 - art.sprite_h * 0.5
        art.ball.draw(f, int(bx), int(by))

    rows_offense_home = True
    line_colours = (rgb_to_yuv((40, 90, 230)), rgb_to_yuv((245, 215, 40)))  # scrimmage, 1st down

    def wide_pose(self, shot: Shot, prev: Shot | None, n: int) -> Pose:
        """Pose of a wide shot; when it continues another play's wide shot without a cut,
        players walk over from where they were during the first 3 s (no jump)."""
        sc = self.plan.scenes[shot.scene]
        pose = self.motion(shot.scene).at((n - sc.snap) / self.fps)
        if (
            prev is None
            or prev.kind != "wide"
            or prev.scene == shot.scene
            or prev.end != shot.start
        ):
            return pose
        # never blend into the still moment before the snap: it must stay perfectly still
        span = min(3.0 * self.fps, sc.set - shot.start) if shot.start < sc.set else 0
        if span <= 0 or n - shot.start >= span:
            return pose
        u = (n - shot.start) / span
        psc = self.plan.scenes[prev.scene]
        p0 = self.motion(prev.scene).at((shot.start - psc.snap) / self.fps)
        x0, y0 = p0.xs, p0.ys
        if self.rows[psc.seq].offense_home != self.rows[sc.seq].offense_home:
            x0, y0 = np.roll(x0, 11), np.roll(y0, 11)  # keep each team's players together
        s = u * u * (3 - 2 * u)
        return Pose(
            x0 + (pose.xs - x0) * s,
            y0 + (pose.ys - y0) * s,
            np.ones(22, bool),
            pose.ball_x,
            pose.ball_y,
            pose.ball_h,
            p0.cam_x + (pose.cam_x - p0.cam_x) * s,
            pose.cam_y,
            p0.refs_x + (pose.refs_x - p0.refs_x) * s,
            pose.refs_y,
            pose.lines,
        )

    def content(self, shot: Shot, n: int, prev: Shot | None = None) -> None:
        """Draw ``shot``'s picture (no scorebug) for broadcast frame ``n``."""
        t = (n - shot.start) / self.fps
        k = shot.kind
        if k == "wide":
            sc = self.plan.scenes[shot.scene]
            self.rows_offense_home = self.rows[sc.seq].offense_home
            self.draw_field(self.wide, self.wide_pose(shot, prev, n), n, False)
        elif k == "replay":
            if self.zoom is None:
                self.zoom = FieldArt(
                    self.look, self.spec.game.home, self.spec.game.away, 1.6, self.spec.game.seed
                )
            sc = self.plan.scenes[shot.scene]
            self.rows_offense_home = self.rows[sc.seq].offense_home
            normal = 0.4 * shot.src_len
            src = shot.src0 + (t if t < normal else normal + (t - normal) * 0.5)
            self.draw_field(self.zoom, self.motion(shot.scene).at(src), n, True)
            self.frame.blit(
                self.tag,
                self.look.width - self.tag.width - self.look.width // 28,
                self.look.height // 14,
            )
        elif k == "closeup":
            self.cut.closeup(self.frame, shot.variant, t + shot.start / self.fps)
        elif k == "crowd":
            self.cut.crowd(self.frame, shot.variant, n, t)
        elif k == "sideline":
            self.cut.sideline(self.frame, shot.variant, t)
        elif k == "graphic":
            self.cut.graphic(self.frame, shot.text or "STAT", t)
        elif k == "studio":
            self.cut.studio(self.frame, n, t)
        elif k == "bumper":
            self.cut.bumper(self.frame, t)
        elif k == "commercial":
            ad = self.plan.inserts[shot.insert].parts[shot.part].ad
            if ad is not None:
                self.ads.draw(self.frame, ad, t)
        elif k == "wipe":
            pass  # drawn by the caller over the neighbouring shot

    def draw(self, idx: int, n: int) -> None:
        shots = self.plan.shots
        shot = shots[idx]
        if shot.kind == "wipe":
            other = shots[idx - 1] if idx > 0 else shot
            self.content(other, n, shots[idx - 2] if idx > 1 else None)
            self.cut.wipe(self.frame, (n - shot.start + 1) / max(1, shot.end - shot.start))
        else:
            self.content(shot, n, shots[idx - 1] if idx > 0 else None)
        if self.grain:  # sensor noise under the graphics, which are keyed in clean
            np.add(self.frame.y, self.grain[n % len(self.grain)], out=self.frame.y)
        if shot.bug == "live":
            st = self.clock.state(n)
            self.frame.blit(self.bug.render(st), self.bug.layout.x, self.bug.layout.y)
        elif shot.bug == "frozen":  # the bug as it was when the replay started
            frozen = self._frozen.get(idx)
            if frozen is None:
                frozen = self._frozen[idx] = self.clock.state(shot.start)
            self.frame.blit(self.bug.render(frozen), self.bug.layout.x, self.bug.layout.y)


def render_video(
    game: SimGame,
    plan: Plan,
    spec: BroadcastSpec,
    start: int,
    end: int,
    wav: Path,
    out: Path,
    progress: Callable[[float], None] | None = None,
) -> None:
    """Render broadcast frames [start, end) with audio ``wav`` into ``out``.

    Raises:
        FFmpegError: ffmpeg failed (message: the last line of its stderr).
    """
    comp = _Composer(game, plan, spec)
    argv = encode_argv(spec, wav, out)
    log.debug("run %s", shlex.join(argv))
    err_path = out.with_suffix(".ffmpeg.log")
    with open(err_path, "w+b") as err:
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stderr=err)
        except FileNotFoundError as exc:
            raise FFmpegError("ffmpeg is not installed (run `make install`)", argv=argv) from exc
        assert proc.stdin is not None
        _widen_pipe(proc.stdin.fileno())
        shots = plan.shots
        si = 0
        total = max(1, end - start)
        try:
            for n in range(start, end):
                while si + 1 < len(shots) and shots[si].end <= n:
                    si += 1
                comp.draw(si, n)
                proc.stdin.write(comp.frame.buf.data)
                if progress is not None and (n - start) % 300 == 0:
                    progress((n - start) / total)
            proc.stdin.close()
        except BrokenPipeError:
            pass  # ffmpeg died; its stderr says why
        except BaseException:
            proc.kill()  # never leave ffmpeg waiting for frames that will not come
            proc.wait()
            raise
        rc = proc.wait()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    err_path.unlink(missing_ok=True)
    if rc != 0:
        raise FFmpegError(last_line(stderr), argv=argv, returncode=rc, stderr=stderr)
    if progress is not None:
        progress(1.0)
