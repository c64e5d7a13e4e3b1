/** Builds a scenario's first cluster on a kernel and sends hand-made requests to it. */
import { StateChecker } from "../../src/world/index.js";
import { join } from "node:path";
import { Simulation } from "../../src/sim/index.js";
import { loadScenarioFile } from "../../src/scenario/index.js";
import { buildCluster, type BuiltCluster } from "../../src/fleet/build-cluster.js";
import { ControlPlaneObserver } from "../../src/fleet/control-plane-observer.js";
import { ApiRequest, type RequestTemplate, type ResponseSink } from "../../src/model/request.js";
import type { UserInfo } from "../../src/k8s/index.js";
import { FIXTURES } from "../paths.js";

export interface Answer {
  status: number;
  retryAfter: number;
  latency: number;
}

export function clusterOf(fixture: string, seed: number): BuiltCluster & { sim: Simulation } {
  const scenario = loadScenarioFile(join(FIXTURES, "scenarios", "control-plane", fixture));
  const sim = new Simulation(seed);
  const observer = new ControlPlaneObserver(scenario.durationSeconds, 60);
  const checker = new StateChecker(seed, () => sim.now);
  return { sim, ...buildCluster(sim, scenario.clusters[0], "c", observer, {}, checker) };
}

/** Sends `count` requests 10 ms apart from `at`; the answers fill in as the run goes. */
export function probe(
  built: BuiltCluster & { sim: Simulation },
  template: RequestTemplate,
  user: UserInfo,
  at: number,
  count: number,
): Answer[] {
  const { sim, cluster } = built;
  const answers: Answer[] = [];
  const sink: ResponseSink = {
    onResponse: (request, status, retryAfter) =>
      answers.push({ status, retryAfter, latency: sim.now - request.sentAt }),
  };
  for (let i = 0; i < count; i++) {
    sim.scheduleAt(at + i * 0.01, () =>
      cluster.send(new ApiRequest(template, i, user, sink, sim.now, 0)),
    );
  }
  return answers;
}

export const GET_NODES: RequestTemplate = {
  name: "probe get nodes",
  verb: "get",
  resource: "nodes",
  apiGroup: "",
  scope: "cluster",
  options: {},
  encoding: "protobuf",
  mutating: false,
};

export const LIST_PODS: RequestTemplate = {
  ...GET_NODES,
  name: "probe list pods",
  verb: "list",
  resource: "pods",
  encoding: "json",
};
