import './base.css';
import './engine.css';
import './deploy.css';
import './static.css';
