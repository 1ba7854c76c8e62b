import './base.css';
import './engine.css';
