// The 3D replay viewer of a raw replay's page: the pitch, the ball and both teams' cars (named, in their team's
// colour) drawn with three.js from the replay's frames (`/api/v1/rocket/replays/{id}/frames`, ten samples a second,
// interpolated between them), the score and clock, each player's boost, play/pause, a timeline to seek with the
// goals on it, the speed, and a camera above the pitch or following the ball or a player. What it draws is readable
// by a test or a benchmark from `window.replayViewer` (read-only) and the section's data attributes; the first frame
// drawn is the `viewer-first-frame` performance mark.
import * as THREE from "../vendor/three.module.min.js";
import { api, el, fmt } from "./common.js";

const HALF_WIDTH = 4096, HALF_LENGTH = 5120, CEILING = 2044, GOAL_HALF_WIDTH = 893, GOAL_HEIGHT = 642, GOAL_DEPTH = 880;
const BALL_RADIUS = 93, CAR = [118, 84, 36];
const COLOURS = [0x2f7bff, 0xff8a1f];
const SPEEDS = [0.25, 0.5, 1, 2, 4];
const CAMERAS = { above: "Above the pitch", ball: "Follow the ball" };

const clockText = (seconds) => (seconds === null || seconds === undefined ? "—"
  : `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`);

/** `values` at the fractional sample `at`, interpolated between the samples either side (null where unknown). */
function at(values, position) {
  const low = Math.floor(position), high = Math.min(low + 1, values.length - 1), share = position - low;
  const a = values[low], b = values[high];
  if (a === null || a === undefined) return b ?? null;
  if (b === null || b === undefined) return a;
  return a + (b - a) * share;
}

function pitch(scene) {
  const floor = new THREE.Mesh(new THREE.PlaneGeometry(2 * HALF_WIDTH, 2 * HALF_LENGTH),
                               new THREE.MeshLambertMaterial({ color: 0x2e6b34 }));
  scene.add(floor);
  const lines = new THREE.LineBasicMaterial({ color: 0xffffff, transparent: true, opacity: 0.6 });
  const outline = (points, material = lines) => scene.add(new THREE.Line(
    new THREE.BufferGeometry().setFromPoints(points.map(([x, y, z = 1]) => new THREE.Vector3(x, y, z))), material));
  const corners = [[-HALF_WIDTH, -HALF_LENGTH], [HALF_WIDTH, -HALF_LENGTH], [HALF_WIDTH, HALF_LENGTH], [-HALF_WIDTH, HALF_LENGTH]];
  outline([...corners, corners[0]]);
  outline([[-HALF_WIDTH, 0], [HALF_WIDTH, 0]]);
  outline(Array.from({ length: 49 }, (_, i) => [Math.cos((i / 48) * 2 * Math.PI) * 1000,
                                                Math.sin((i / 48) * 2 * Math.PI) * 1000]));
  const walls = new THREE.LineBasicMaterial({ color: 0xcfd8e3, transparent: true, opacity: 0.35 });
  outline([...corners, corners[0]].map(([x, y]) => [x, y, CEILING]), walls);
  for (const [x, y] of corners) outline([[x, y, 0], [x, y, CEILING]], walls);
  [-1, 1].forEach((side, team) => {
    const goal = new THREE.Mesh(new THREE.BoxGeometry(2 * GOAL_HALF_WIDTH, GOAL_DEPTH, GOAL_HEIGHT),
                                new THREE.MeshLambertMaterial({ color: COLOURS[team], transparent: true, opacity: 0.35 }));
    goal.position.set(0, side * (HALF_LENGTH + GOAL_DEPTH / 2), GOAL_HEIGHT / 2);
    scene.add(goal);
  });
}

function carMesh(team) {
  const car = new THREE.Group();
  const body = new THREE.Mesh(new THREE.BoxGeometry(...CAR), new THREE.MeshLambertMaterial({ color: COLOURS[team] }));
  const nose = new THREE.Mesh(new THREE.BoxGeometry(20, CAR[1] * 0.8, CAR[2] * 0.6), new THREE.MeshLambertMaterial({ color: 0xffffff }));
  nose.position.set(CAR[0] / 2, 0, 0);
  car.add(body, nose);
  return car;
}

/** Draws the frames `frames` in `section`; the viewer's controls and read-only state. */
function viewer(section, frames) {
  const width = () => section.querySelector(".viewer-stage").clientWidth;
  const height = () => Math.round(Math.min(520, Math.max(240, width() * 0.56)));
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(devicePixelRatio, 2));
  const stage = section.querySelector(".viewer-stage");
  stage.prepend(renderer.domElement);
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(0x0d1521);
  scene.add(new THREE.HemisphereLight(0xffffff, 0x334455, 2.2), new THREE.AmbientLight(0xffffff, 0.4));
  const camera = new THREE.PerspectiveCamera(55, 16 / 9, 50, 40000);
  camera.up.set(0, 0, 1);
  pitch(scene);
  const ball = new THREE.Mesh(new THREE.SphereGeometry(BALL_RADIUS, 24, 16), new THREE.MeshLambertMaterial({ color: 0xf2f2f2 }));
  scene.add(ball);
  const cars = frames.cars.map((car) => {
    const mesh = carMesh(car.team);
    scene.add(mesh);
    const label = el("span", { class: `viewer-label team-${car.team}`, "data-player": car.player_id }, car.name || car.player_id);
    stage.append(label);
    return { car, mesh, label };
  });

  const state = { position: 0, playing: false, speed: 1, follow: "above", drawn: 0, firstFrameAt: null };
  const last = frames.samples - 1;
  const seek = section.querySelector(".viewer-seek");
  const play = section.querySelector(".viewer-play");
  const scoreboard = section.querySelector(".viewer-score");
  const boosts = section.querySelector(".viewer-boosts");
  const meters = frames.cars.map((car) => {
    const bar = el("span", { class: "viewer-boost-bar" });
    const value = el("span", { class: "viewer-boost-value" });
    boosts.append(el("li", { class: `team-${car.team}`, "data-player": car.player_id },
                     el("span", { class: "viewer-boost-name" }, car.name || car.player_id),
                     el("span", { class: "viewer-boost-track" }, bar), value));
    return { bar, value };
  });

  function resize() {
    renderer.setSize(width(), height());
    camera.aspect = width() / height();
    camera.updateProjectionMatrix();
  }

  function aim(focus) {
    if (state.follow === "above") {
      camera.position.set(0, -HALF_LENGTH * 1.55, 3900);
      camera.lookAt(0, -900, 0);
      return;
    }
    const behind = state.follow === "ball" ? new THREE.Vector3(0, 1, 0) : focus.direction;
    camera.position.copy(focus.at).addScaledVector(behind, -1400).add(new THREE.Vector3(0, 0, 520));
    camera.lookAt(focus.at);
  }

  function draw() {
    const p = state.position, sample = Math.round(p);
    ball.position.set(at(frames.ball.x, p) ?? 0, at(frames.ball.y, p) ?? 0, at(frames.ball.z, p) ?? BALL_RADIUS);
    let focus = { at: ball.position, direction: new THREE.Vector3(0, 1, 0) };
    cars.forEach(({ car, mesh, label }, i) => {
      const x = at(car.x, p);
      mesh.visible = x !== null;
      label.hidden = x === null;
      const boost = car.boost[sample];
      meters[i].bar.style.width = `${boost ?? 0}%`;
      meters[i].value.textContent = fmt(boost);
      if (x === null) return;
      mesh.position.set(x, at(car.y, p), at(car.z, p));
      const ahead = Math.min(Math.floor(p) + 1, last), behind = Math.max(ahead - 1, 0);
      const dx = (car.x[ahead] ?? x) - (car.x[behind] ?? x), dy = (car.y[ahead] ?? 0) - (car.y[behind] ?? 0);
      if (Math.hypot(dx, dy) > 2) mesh.rotation.z = Math.atan2(dy, dx);
      if (state.follow === car.player_id) {
        focus = { at: mesh.position, direction: new THREE.Vector3(Math.cos(mesh.rotation.z), Math.sin(mesh.rotation.z), 0) };
      }
    });
    aim(focus);
    renderer.render(scene, camera);
    for (const { mesh, label } of cars) {
      if (!mesh.visible) continue;
      const screen = mesh.position.clone().add(new THREE.Vector3(0, 0, 140)).project(camera);
      label.hidden = screen.z > 1;
      label.style.transform = `translate(${((screen.x + 1) / 2) * width()}px, ${((1 - screen.y) / 2) * height()}px) translate(-50%, -100%)`;
    }
    const [blue, orange] = [frames.score_team_0[sample], frames.score_team_1[sample]];
    scoreboard.replaceChildren(el("span", { class: "team-0" }, `Blue ${blue}`), " – ",
                               el("span", { class: "team-1" }, `${orange} Orange`), el("span", { class: "viewer-clock" }, ` · ${clockText(frames.clock[sample])}`));
    seek.value = String(sample);
    Object.assign(section.dataset, { sample: String(sample), score: `${blue}-${orange}`, playing: String(state.playing) });
    state.drawn += 1;
    if (state.firstFrameAt === null) {
      state.firstFrameAt = performance.now();
      performance.mark("viewer-first-frame");
      section.dataset.state = "drawn";
    }
  }

  let previous = null, dirty = true;
  function tick(now) {
    if (state.playing && previous !== null) {
      state.position = Math.min(last, state.position + ((now - previous) / 1000) * frames.rate * state.speed);
      if (state.position >= last) setPlaying(false);
      dirty = true;
    }
    previous = now;
    if (dirty) { dirty = false; draw(); }
    requestAnimationFrame(tick);
  }
  function setPlaying(playing) {
    state.playing = playing;
    play.textContent = playing ? "Pause" : "Play";
    play.setAttribute("aria-pressed", String(playing));
    dirty = true;
  }
  function seekTo(sample) {
    state.position = Math.max(0, Math.min(last, sample));
    dirty = true;
  }

  play.addEventListener("click", () => {
    if (!state.playing && state.position >= last) seekTo(0);
    setPlaying(!state.playing);
  });
  seek.addEventListener("input", () => seekTo(Number(seek.value)));
  section.querySelector(".viewer-speed").addEventListener("change", (event) => { state.speed = Number(event.target.value); });
  section.querySelector(".viewer-camera").addEventListener("change", (event) => { state.follow = event.target.value; dirty = true; });
  for (const button of section.querySelectorAll(".viewer-goal")) {
    button.addEventListener("click", () => seekTo(Number(button.dataset.sample)));
  }
  addEventListener("resize", () => { resize(); dirty = true; });
  resize();
  requestAnimationFrame(tick);

  return Object.freeze({
    get sample() { return Math.round(state.position); },
    get playing() { return state.playing; },
    get speed() { return state.speed; },
    get follow() { return state.follow; },
    get framesDrawn() { return state.drawn; },
    get firstFrameAt() { return state.firstFrameAt; },
    get score() { return scoreboard.textContent; },
    cars: () => cars.filter(({ mesh }) => mesh.visible).map(({ car, mesh }) => (
      { player_id: car.player_id, team: car.team, x: mesh.position.x, y: mesh.position.y, z: mesh.position.z })),
    ball: () => ({ x: ball.position.x, y: ball.position.y, z: ball.position.z }),
  });
}

/** The viewer's controls for `frames`: play, the timeline with the goals on it, speed and camera. */
function controls(frames) {
  const last = frames.samples - 1;
  const goalMarks = frames.goals.map((goal) => el("button", {
    type: "button", class: `viewer-goal team-${goal.team}`, "data-sample": goal.sample,
    style: `left: ${(goal.sample / Math.max(last, 1)) * 100}%`,
    title: `${goal.team ? "Orange" : "Blue"} goal: ${goal.score_team_0}–${goal.score_team_1}`,
    "aria-label": `Seek to the ${goal.team ? "orange" : "blue"} goal making it ${goal.score_team_0}–${goal.score_team_1}`,
  }, `${goal.score_team_0}–${goal.score_team_1}`));
  const cameras = [...Object.entries(CAMERAS), ...frames.cars.map((car) => [car.player_id, `Follow ${car.name || car.player_id}`])];
  return [
    el("p", { class: "score viewer-score", "aria-live": "off" }),
    el("div", { class: "viewer-stage" }),
    el("div", { class: "viewer-controls" },
      el("button", { type: "button", class: "viewer-play", "aria-pressed": "false" }, "Play"),
      el("div", { class: "viewer-timeline" },
        el("input", { type: "range", class: "viewer-seek", min: 0, max: last, step: 1, value: 0, "aria-label": "Seek" }),
        el("div", { class: "viewer-goals" }, goalMarks)),
      el("label", {}, "Speed ", el("select", { class: "viewer-speed" },
        SPEEDS.map((speed) => el("option", { value: speed, selected: speed === 1 ? "" : null }, `${speed}×`)))),
      el("label", {}, "Camera ", el("select", { class: "viewer-camera" },
        cameras.map(([value, label]) => el("option", { value }, label))))),
    el("ul", { class: "plain viewer-boosts", "aria-label": "Boost" }),
    el("p", { class: "muted" }, `Drawn from the replay's own frames at ${frames.rate} samples a second; a car faces the way it moves.`),
  ];
}

/** Mounts the 3D viewer of the replay `id` in `section`; the section says `data-state` `drawn` once a frame is
 * drawn, or shows why there is none. */
export async function mountViewer(section, id) {
  section.dataset.state = "loading";
  const frames = (await api(`/api/v1/rocket/replays/${encodeURIComponent(id)}/frames`)).data;
  section.replaceChildren(el("h2", {}, "3D replay"), ...controls(frames));
  window.replayViewer = viewer(section, frames);
}
