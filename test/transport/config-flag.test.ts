import t from "tap";
import { loadConfig } from "../../src/config.js";

t.test("follow-route-peers defaults to on and can be turned off by flag or env", async (t) => {
  const on = loadConfig({}, []);
  t.equal(on.ok && on.config.followRoutePeers, true);
  const flag = loadConfig({}, ["--no-follow-route-peers"]);
  t.equal(flag.ok && flag.config.followRoutePeers, false);
  const env = loadConfig({ TENDRIL_FOLLOW_ROUTE_PEERS: "off" }, []);
  t.equal(env.ok && env.config.followRoutePeers, false);
  const bad = loadConfig({ TENDRIL_FOLLOW_ROUTE_PEERS: "maybe" }, []);
  t.same(bad.ok ? null : bad.errors, [{ setting: "TENDRIL_FOLLOW_ROUTE_PEERS", message: 'must be true or false, got "maybe"' }]);
});
