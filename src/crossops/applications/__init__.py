"""``crossops.applications``: Keras's image classification models as crossops functional
models (VGG16, VGG19, ResNet50, ResNet50V2, MobileNetV2, EfficientNetB0), with Keras's
constructor arguments and layer names, so that Keras's weights files map onto them; each
module also has the model's ``preprocess_input`` and ``decode_predictions``. And a BERT
encoder (``bert.BertModel``) that loads Hugging Face ``transformers`` checkpoints
(safetensors).

``weights="imagenet"`` reads Keras's file from Keras's cache folder
(``$KERAS_HOME/models`` or ``~/.keras/models``); nothing is downloaded at run time.

Examples
--------
>>> from crossops import applications
>>> model = applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
>>> model.name
'vgg16'
"""

from . import bert, efficientnet, imagenet_utils, mobilenet_v2, resnet, resnet_v2, vgg16, vgg19
from .bert import BertConfig, BertModel
from .efficientnet import EfficientNetB0
from .mobilenet_v2 import MobileNetV2
from .resnet import ResNet50
from .resnet_v2 import ResNet50V2
from .vgg16 import VGG16
from .vgg19 import VGG19

__all__ = ["VGG16", "VGG19", "BertConfig", "BertModel", "EfficientNetB0", "MobileNetV2",
           "ResNet50", "ResNet50V2", "bert", "efficientnet", "imagenet_utils", "mobilenet_v2",
           "resnet", "resnet_v2", "vgg16", "vgg19"]
