/**
 * The 64-bit hash that picks a flow's queues: sha256(flowSchemaName ‖ 0x00 ‖ distinguisher),
 * first 8 bytes read little-endian. Port of hashFlowID in
 * k8s.io/apiserver/pkg/util/flowcontrol/apf_controller.go.
 */
import { createHash } from "node:crypto";

const SEPARATOR = Buffer.from([0]);

export function hashFlowID(flowSchemaName: string, flowDistinguisher: string): bigint {
  const digest = createHash("sha256")
    .update(flowSchemaName, "utf8")
    .update(SEPARATOR)
    .update(flowDistinguisher, "utf8")
    .digest();
  return digest.readBigUInt64LE(0);
}
