import { App } from 'cdk8s';
import { ShopChart } from './shop-chart';

// No construct-metadata.json (which `cdk8s synth` asks for when validating) in dist/:
// `kubectl apply -f dist/` would read it as a manifest and fail.
const app = new App({ recordConstructMetadata: false });
new ShopChart(app, 'shop');
app.synth();
