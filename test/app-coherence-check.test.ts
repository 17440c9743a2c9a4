import * as fs from 'fs';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { CurlProbe, CurlProbeMode, SecureNginxApp } from '../lib';
import * as k8s from '../imports/k8s';
import { tempDir } from './support';

const store = tempDir('coherence-store');

/** An App writing into a fresh folder, and that folder. */
function appInTempDir(): { app: App; outdir: string } {
  const outdir = tempDir('coherence-out');
  return { app: new App({ outdir }), outdir };
}

describe('App.synth() checks the objects of the whole App before writing anything', () => {
  test('two apps named web: the duplicate Deployment, Service, Secret and ConfigMap, with both construct paths', () => {
    const { app, outdir } = appInTempDir();
    const chart = new Chart(app, 'shop');
    new SecureNginxApp(chart, 'Web', { name: 'web', certificateStoreDir: store });
    new SecureNginxApp(chart, 'Web2', { name: 'web', certificateStoreDir: store });
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("Deployment default/web is emitted by both 'shop/Web/Pods/Deployment/Resource' and 'shop/Web2/Pods/Deployment/Resource'");
    expect(message).toMatch(/Service default\/web is emitted by both 'shop\/Web\/Endpoint\/Service' and 'shop\/Web2\/Endpoint\/Service'/);
    expect(message).toMatch(/Secret default\/web-tls is emitted by both/);
    expect(message).toContain('give one of them another name');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('objects in different charts of one App (one output folder) clash too; other namespaces do not', () => {
    const { app } = appInTempDir();
    new SecureNginxApp(new Chart(app, 'a'), 'Web', { name: 'web', certificateStoreDir: store });
    new SecureNginxApp(new Chart(app, 'b', { namespace: 'other' }), 'Web', { name: 'web', certificateStoreDir: store });
    expect(() => app.synth()).not.toThrow();
    new SecureNginxApp(new Chart(app, 'c'), 'Web', { name: 'web', certificateStoreDir: store });
    expect(() => app.synth()).toThrow(/Deployment default\/web is emitted by both 'a\/Web\/Pods\/Deployment\/Resource' and 'c\/Web\/Pods\/Deployment\/Resource'/);
  });

  test('the same nodePort in two apps', () => {
    const { app, outdir } = appInTempDir();
    const chart = new Chart(app, 'shop');
    new SecureNginxApp(chart, 'Web', { name: 'web', httpNodePort: 30080, certificateStoreDir: store });
    new SecureNginxApp(chart, 'Api', { name: 'api', httpsNodePort: 30080, certificateStoreDir: store });
    expect(() => app.synth()).toThrow(/nodePort 30080 is fixed by both Service default\/web \('shop\/Web\/Endpoint\/Service'\) and Service default\/api \('shop\/Api\/Endpoint\/Service'\): node ports are cluster-wide/);
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test('also against objects the user made without this library', () => {
    const { app } = appInTempDir();
    const chart = new Chart(app, 'shop');
    new SecureNginxApp(chart, 'Web', { name: 'web', serviceType: kplus.ServiceType.NODE_PORT, httpNodePort: 30080, certificateStoreDir: store });
    new k8s.KubeConfigMap(chart, 'Mine', { metadata: { name: 'web-nginx-conf' } });
    new k8s.KubeService(chart, 'Other', { metadata: { name: 'other' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } });
    expect(() => app.synth()).toThrow(/ConfigMap default\/web-nginx-conf is emitted by both 'shop\/Web\/Config\/ConfigMap\/Resource' and 'shop\/Mine'[\s\S]*nodePort 30080 is fixed by both/);
  });

  test('two CurlProbes with default names do not clash', () => {
    const { app } = appInTempDir();
    const chart = new Chart(app, 'shop');
    const web = new SecureNginxApp(chart, 'Web', { name: 'web', certificateStoreDir: store });
    new CurlProbe(chart, 'Check', { target: web, mode: CurlProbeMode.JOB });
    new CurlProbe(chart, 'SecondCheck', { target: web, mode: CurlProbeMode.JOB });
    expect(() => app.synth()).not.toThrow();
  });
});
