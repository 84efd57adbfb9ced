package io.cairn.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.node.CairnNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeProcessTest {

  @Test
  void theReadyPrefixIsTheNodes() {
    assertThat(NodeProcess.READY_PREFIX).isEqualTo(CairnNode.READY_PREFIX);
  }

  @Test
  void theProtocolAddressIsTakenFromTheReadyLine() {
    // given
    String log = "[main] INFO io.cairn.bench.Something - starting\n"
        + "[vert.x-eventloop-thread-0] INFO io.cairn.node.CairnNode - Cairn node ready: data=/tmp/x, "
        + "http=127.0.0.1:40123, protocol=127.0.0.1:40124\n";

    // then
    assertThat(NodeProcess.readyBootstrap(log)).isEqualTo("127.0.0.1:40124");
    assertThat(NodeProcess.readyHttp(log)).isEqualTo("127.0.0.1:40123");
  }

  @Test
  void aReadyLineWithoutAnAddressNamesNone() {
    assertThat(NodeProcess.readyBootstrap("Cairn node ready: data=/tmp/x, http=127.0.0.1:40123\n")).isNull();
    assertThat(NodeProcess.readyBootstrap("")).isNull();
    assertThat(NodeProcess.readyHttp("Cairn node ready: data=/tmp/x, protocol=127.0.0.1:40124\n")).isNull();
  }

  @Test
  void aLaunchOnThisClassPathRunsTheGivenMainClass() {
    // when
    NodeProcess.Launch launch = NodeProcess.Launch.javaMain("-Xmx64m", "com.example.Main", List.of("node"));

    // then
    assertThat(launch.command()).contains("-Xmx64m", "-cp", System.getProperty("java.class.path"))
        .endsWith("com.example.Main", "node");
  }

  @Test
  void launchingBinCairnNodeNeedsTheCommandLineOnTheClassPath() {
    assertThatThrownBy(() -> NodeProcess.Launch.cairnCli("-Xmx64m"))
        .isInstanceOf(BenchException.class).hasMessageContaining("bin/cairn");
  }
}
