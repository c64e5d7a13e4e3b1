/**
 * The cluster's nodes as a component: the node pool, the node lifecycle controller, and the
 * wiring of node events to what lives on a node (its kubelet lease renewer, its DaemonSet pod,
 * its stored Node, Lease and pod objects).
 *
 * Rows and slots: the pool gives every node ever created a row. The kubelet lease population
 * and the DaemonSet rollout have one slot per node; a node added after a scale-down takes the
 * slot of a removed one, and a node beyond every free slot gets a new slot past the end, so no
 * two live nodes ever share one.
 */
import type { Component, ComponentContext } from "../../world/index.js";
import { NodeLifecycleController, NodePool, nodesConfig } from "../../model/nodes/index.js";
import type { Cluster } from "../../model/cluster.js";
import {
  AGENTS,
  CLUSTER_SPEC,
  CONTROL_PLANE,
  CONTROLLER_API,
  KUBELET_LEASES,
  NODES,
  type KubeletLeasesPort,
  type NodesPort,
} from "./ports.js";

export class NodesComponent implements Component, NodesPort {
  readonly name = "nodes";
  readonly needs = [CLUSTER_SPEC, CONTROL_PLANE, KUBELET_LEASES, CONTROLLER_API];
  readonly provides = [NODES];
  pool!: NodePool;
  lifecycle!: NodeLifecycleController;
  eventsVersion = 0;
  private apiservers!: Cluster;
  private leases!: KubeletLeasesPort;
  private change: string | undefined;
  private podsPerNode = 0;
  private slotOfRow = new Map<number, number>();
  private readonly rowsOfMember = new Map<number, number[]>();
  private readonly freeSlots: number[] = [];
  /** Nodes at the start: the slots every lease member and DaemonSet row begins with. */
  private startNodes = 0;
  /** The next slot past every slot used so far. */
  private nextSlot = 0;
  private removedInLeaseGroup = new Uint16Array(0);
  private scaling = false;
  private readonly scaledListeners: ((liveNodes: number) => void)[] = [];
  private context!: ComponentContext;

  attach(context: ComponentContext): void {
    this.context = context;
    const { spec, change } = context.get(CLUSTER_SPEC);
    this.apiservers = context.get(CONTROL_PLANE).cluster;
    this.leases = context.get(KUBELET_LEASES);
    this.change = change;
    this.podsPerNode = Math.round(spec.podsPerNode);
    const config = nodesConfig({
      version: spec.kubernetesVersion,
      nodeCount: spec.nodes,
      zoneCount: spec.zones,
      podsPerNode: Math.max(0, this.podsPerNode),
    });
    this.pool = new NodePool(config);
    const controllers = context.get(CONTROLLER_API);
    this.lifecycle = new NodeLifecycleController(context.sim, this.pool, controllers, config);
    // A new leader's node lifecycle controller starts without node health; an exited one stops.
    controllers.onLeadershipChange((leading) =>
      leading ? this.lifecycle.restart() : this.lifecycle.stop(),
    );
    this.nextSlot = spec.nodes;
    this.startNodes = spec.nodes;
    this.removedInLeaseGroup = new Uint16Array(Math.ceil(spec.nodes / this.leases.leaseGroup));
    this.leases.outcomes.push((member, ok) => this.leaseRenewed(member, ok));
    context.provide(NODES, this);
  }

  /** Runs the lifecycle controller and follows node events; after the data plane is built. */
  start(): void {
    this.lifecycle.start();
    this.pool.subscribe({
      onEndpointsListedChanged: () => this.eventsVersion++,
      onNodeRemoved: (row) => this.nodeRemoved(row),
      onNodeAdded: (row) => this.nodeAdded(row),
    });
  }

  /** True while `scaleTo` removes nodes: their pods go with the cloud, not by eviction. */
  get scalingDown(): boolean {
    return this.scaling;
  }

  onScaled(listener: (liveNodes: number) => void): void {
    this.scaledListeners.push(listener);
  }

  scaleTo(targetNodes: number): void {
    const live = this.pool.liveCount;
    const now = this.context.sim.now;
    this.scaling = true;
    if (targetNodes < live) this.pool.removeNodes(live - targetNodes, now);
    else if (targetNodes > live) this.pool.addNodes(targetNodes - live, now);
    this.scaling = false;
    for (const listener of this.scaledListeners) listener(this.pool.liveCount);
  }

  private leaseRenewed(member: number, ok: boolean): void {
    if (!ok) return;
    const pool = this.pool;
    const now = this.context.sim.now;
    const group = this.leases.leaseGroup;
    const end = Math.min(this.startNodes, (member + 1) * group);
    for (let row = member * group; row < end; row++) {
      if (!pool.isRemoved(row)) pool.recordLeaseRenewal(row, now);
    }
    for (const row of this.rowsOfMember.get(member) ?? []) {
      if (!pool.isRemoved(row)) pool.recordLeaseRenewal(row, now);
    }
  }

  private rollout() {
    if (this.change === undefined) return undefined;
    return this.context.find(AGENTS)?.rollouts.get(this.change);
  }

  private nodeRemoved(row: number): void {
    this.eventsVersion++;
    const slot = this.slotOfRow.get(row) ?? row;
    this.freeSlots.push(slot);
    this.rollout()?.removeNode(slot);
    this.nodeObjectsChanged(-1);
    const member = Math.floor(slot / this.leases.leaseGroup);
    const rows = this.rowsOfMember.get(member);
    if (rows !== undefined && rows.includes(row)) rows.splice(rows.indexOf(row), 1);
    this.removedInLeaseGroup[member]++;
    if (this.memberEmpty(member)) this.leases.leases?.stopMember(member);
  }

  private nodeAdded(row: number): void {
    this.eventsVersion++;
    this.nodeObjectsChanged(+1);
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    this.slotOfRow.set(row, slot);
    this.rollout()?.addNode(slot);
    const member = Math.floor(slot / this.leases.leaseGroup);
    if (member >= this.removedInLeaseGroup.length) this.growLeaseGroups(member + 1);
    let rows = this.rowsOfMember.get(member);
    if (rows === undefined) {
      rows = [];
      this.rowsOfMember.set(member, rows);
    }
    rows.push(row);
    if (this.removedInLeaseGroup[member] > 0) this.removedInLeaseGroup[member]--;
    this.leases.leases?.startMember(member);
  }

  /** No live node is left in a lease member's group: its renewer stops. */
  private memberEmpty(member: number): boolean {
    const group = this.leases.leaseGroup;
    const start = member * group;
    const nodes = this.startNodes;
    if (start >= nodes) return (this.rowsOfMember.get(member)?.length ?? 0) === 0;
    return this.removedInLeaseGroup[member] >= group;
  }

  /** Slots past the starting nodes open new lease members; they start with every node absent. */
  private growLeaseGroups(members: number): void {
    const grown = new Uint16Array(Math.max(members, this.removedInLeaseGroup.length * 2));
    grown.set(this.removedInLeaseGroup);
    this.removedInLeaseGroup = grown;
    this.leases.leases?.ensureMembers(members);
  }

  private nodeObjectsChanged(delta: number): void {
    const cluster = this.apiservers;
    cluster.objectsChanged("nodes", delta);
    cluster.objectsChanged("leases", delta);
    cluster.podObjectsChanged(delta * this.podsPerNode);
  }
}
